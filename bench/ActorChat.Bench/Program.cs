using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/ActorChat.Bench -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
