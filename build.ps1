# Restore, build, test and pack: a thin wrapper over the dotnet CLI, nothing the CLI cannot do alone.
param([string]$Configuration = "Release")
$ErrorActionPreference = "Stop"

function Invoke-Dotnet { dotnet @args; if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE } }

Invoke-Dotnet restore Broker.sln
Invoke-Dotnet build Broker.sln --configuration $Configuration --no-restore
Invoke-Dotnet test Broker.sln --configuration $Configuration --no-build
Invoke-Dotnet pack Broker.sln --configuration $Configuration --no-build --output artifacts
