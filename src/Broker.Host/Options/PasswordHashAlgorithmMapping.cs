using Broker.Core.Security.Authentication;

namespace Broker.Host.Options;

/// <summary>The configured <c>password_hash_algorithm</c> as the hasher takes it.</summary>
public static class PasswordHashAlgorithmMapping
{
    public static PasswordHashAlgorithm ToAlgorithm(this PasswordHashAlgorithmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new PasswordHashAlgorithm
        {
            Name = options.Name,
            MacFunction = options.MacFun,
            Iterations = options.Iterations,
            DerivedKeyLength = options.DkLength,
            SaltPosition = options.SaltPosition,
            SaltRounds = options.SaltRounds,
        };
    }
}
