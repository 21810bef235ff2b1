using ActorChat.Bench;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/ActorChat.Bench -- --filter '*'
// dotnet run -c Release --project bench/ActorChat.Bench -- room-memory
// dotnet run -c Release --project bench/ActorChat.Bench -- journal-recovery FOLDER [ROOMS EVENTS] [--plugin-indexes]
// dotnet run -c Release --project bench/ActorChat.Bench -- search-latency FOLDER [MESSAGES ROOMS]
if (args is ["room-memory", ..])
    RoomMemory.Run();
else if (args is ["journal-recovery", var folder, ..])
{
    var numbers = args.Skip(2).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).Select(int.Parse).ToArray();
    await JournalRecovery.RunAsync(folder, numbers.ElementAtOrDefault(0) is > 0 and var rooms ? rooms : 1000,
        numbers.ElementAtOrDefault(1) is > 0 and var events ? events : 1000, args.Contains("--plugin-indexes"));
}
else if (args is ["search-latency", var searchFolder, ..])
{
    var numbers = args.Skip(2).Select(int.Parse).ToArray();
    await SearchLatency.RunAsync(searchFolder, numbers.ElementAtOrDefault(0) is > 0 and var messages ? messages : 1_000_000,
        numbers.ElementAtOrDefault(1) is > 0 and var rooms ? rooms : 1000);
}
else
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
