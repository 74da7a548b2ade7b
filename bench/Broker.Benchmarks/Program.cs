using BenchmarkDotNet.Running;
using Broker.Benchmarks;

// dotnet run -c Release --project bench/Broker.Benchmarks -- --filter '*Codec*'
BenchmarkSwitcher.FromAssembly(typeof(BenchmarkConfig).Assembly).Run(args, BenchmarkConfig.For(args));
