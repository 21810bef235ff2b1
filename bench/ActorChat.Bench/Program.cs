using ActorChat.Bench;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/ActorChat.Bench -- --filter '*'
// dotnet run -c Release --project bench/ActorChat.Bench -- room-memory
if (args is ["room-memory", ..])
    RoomMemory.Run();
else
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
