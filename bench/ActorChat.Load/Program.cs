using System.Runtime.InteropServices;
using ActorChat.Load;

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (SetupException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine("Try --help.");
    return 2;
}
if (options.ShowHelp)
{
    Console.WriteLine(LoadOptions.Usage);
    return 0;
}

// The first Ctrl+C (or SIGTERM) stops the run, which still closes its connections and reports; a second one ends the process.
using var interrupt = new CancellationTokenSource();
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

try
{
    var report = await new Scenario(options, Console.Error).RunAsync(interrupt.Token);
    ReportText.Write(report, Console.Out);
    if (options.JsonPath is { } path)
    {
        await report.WriteJsonAsync(path);
        Console.WriteLine($"JSON report: {path}");
    }
    return report.Passed ? 0 : 1;
}
catch (SetupException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
{
    Console.Error.WriteLine("interrupted before the run started");
    return 2;
}

void Stop(PosixSignalContext signal)
{
    signal.Cancel = !interrupt.IsCancellationRequested;
    interrupt.Cancel();
}
