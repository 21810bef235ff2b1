using System.Globalization;

namespace ActorChat.Load;

/// <summary>
/// The command line: a preset scenario (<c>--scenario</c>), then any option overriding it. Every option is
/// <c>--name value</c> or <c>--name=value</c>.
/// </summary>
internal sealed class LoadOptions
{
    public const string Usage = """
        Usage: dotnet run --project bench/ActorChat.Load -c Release -- [options]

        Opens many WebSocket connections to an ActorChat deployment, joins them to rooms, sends on an
        open-loop schedule and checks that every member received every message.

          --url URL                  the deployment: http(s)://host:port[/path] or ws(s)://... (default http://127.0.0.1:5000)
          --scenario NAME            preset, overridden by the options below (default many):
                                       many    15,000 connections over 1,000 users in 150 rooms of 100,
                                               10 senders at 5 msg/s
                                       fanout  1 room of 100 connections, 10 senders at 10 msg/s
                                       rooms   200 rooms of 5, every member sends at 2 msg/s
          --connections N            connections in all, spread evenly over the rooms
          --members N                connections per room (sets --connections to rooms x members)
          --rooms N                  rooms
          --users N                  distinct accounts; connection i signs in as user i mod N
          --senders N|all            sending connections, spread evenly over the rooms
          --rate X                   messages per second per sender
          --warmup S                 seconds of load before the measured window (default 5)
          --duration S               measured seconds (default 30)
          --drain S                  longest wait after the window for outstanding acks and deliveries (default 10)
          --connect-concurrency N    connection attempts in flight at once (default 64)
          --connect-timeout S        per connection: upgrade, welcome and joined (default 30)
          --user-prefix P            account names are P0, P1, ... (default load_)
          --password P               password of those accounts (default load-password-1)
          --room-prefix P            room names are P-0, P-1, ... (default load)
          --token-file FILE          keep the accounts' tokens in FILE and reuse them on later runs
          --reconnect                when the server closes a connection or it drops (a node stopping: 1001), open
                                     it again through --url, resume its room with since = the last seq it saw and
                                     resend what was not acked, with the same ids; such closes then fail no check,
                                     but every message must still arrive once and in order, and every send be acked
          --back-within S            with --reconnect: the longest a connection may be away, from its close until
                                     it joined again (default 15)
          --json FILE                also write the report as JSON to FILE
          -h, --help                 this text

        Durations take a number of seconds, or a number followed by s or m (90s, 2m).
        Exit code: 0 when every check passed, 1 when one failed, 2 when the run could not start.
        """;

    private static readonly string[] Scenarios = ["many", "fanout", "rooms"];

    /// <summary>Options that take no value (<c>--reconnect</c>, or <c>--reconnect=false</c> to turn one off).</summary>
    private static readonly string[] Flags = ["--reconnect"];

    public bool ShowHelp { get; private set; }
    public string Scenario { get; private set; } = "many";

    /// <summary>The HTTP base address of the deployment, ending in a slash.</summary>
    public Uri ApiBase { get; private set; } = new("http://127.0.0.1:5000/");

    /// <summary>The WebSocket endpoint: <see cref="ApiBase"/> with scheme ws or wss, path <c>ws</c>.</summary>
    public Uri SocketUri { get; private set; } = new("ws://127.0.0.1:5000/ws");

    public int Connections { get; private set; }
    public int Users { get; private set; }
    public int Rooms { get; private set; }
    public int Senders { get; private set; }
    public double Rate { get; private set; }
    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(5);
    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(30);
    public TimeSpan Drain { get; private set; } = TimeSpan.FromSeconds(10);
    public int ConnectConcurrency { get; private set; } = 64;
    public TimeSpan ConnectTimeout { get; private set; } = TimeSpan.FromSeconds(30);
    public string UserPrefix { get; private set; } = "load_";
    public string Password { get; private set; } = "load-password-1";
    public string RoomPrefix { get; private set; } = "load";
    public string? TokenFile { get; private set; }
    public string? JsonPath { get; private set; }
    public bool Reconnect { get; private set; }
    public TimeSpan BackWithin { get; private set; } = TimeSpan.FromSeconds(15);

    public string UserName(int user) => UserPrefix + user.ToString(CultureInfo.InvariantCulture);

    public string RoomName(int room) => $"{RoomPrefix}-{room.ToString(CultureInfo.InvariantCulture)}";

    /// <exception cref="SetupException">The command line is not valid.</exception>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var given = new List<(string Name, string Value)>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
                return new LoadOptions { ShowHelp = true };
            if (!arg.StartsWith("--", StringComparison.Ordinal))
                throw new SetupException($"unexpected argument '{arg}'");
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
                given.Add((arg[..equals], arg[(equals + 1)..]));
            else if (Flags.Contains(arg))
                given.Add((arg, "true"));
            else if (i + 1 < args.Count)
                given.Add((arg, args[++i]));
            else
                throw new SetupException($"{arg} needs a value");
        }

        var options = new LoadOptions();
        var scenario = given.LastOrDefault(g => g.Name == "--scenario").Value ?? "many";
        if (!Scenarios.Contains(scenario))
            throw new SetupException($"--scenario must be one of {string.Join(", ", Scenarios)}, not '{scenario}'");
        options.ApplyPreset(scenario);

        int? members = null;
        var connectionsGiven = false;
        var usersGiven = false;
        var allSend = scenario == "rooms";
        foreach (var (name, value) in given)
        {
            switch (name)
            {
                case "--scenario": break;
                case "--url": options.SetUrl(value); break;
                case "--connections": options.Connections = Int(name, value, 1); connectionsGiven = true; break;
                case "--members": members = Int(name, value, 1); break;
                case "--rooms": options.Rooms = Int(name, value, 1); break;
                case "--users": options.Users = Int(name, value, 1); usersGiven = true; break;
                case "--senders":
                    allSend = value == "all";
                    if (!allSend)
                        options.Senders = Int(name, value, 1);
                    break;
                case "--rate": options.Rate = Number(name, value, 0.001); break;
                case "--warmup": options.Warmup = Seconds(name, value, 0); break;
                case "--duration": options.Duration = Seconds(name, value, 1); break;
                case "--drain": options.Drain = Seconds(name, value, 0); break;
                case "--connect-concurrency": options.ConnectConcurrency = Int(name, value, 1); break;
                case "--connect-timeout": options.ConnectTimeout = Seconds(name, value, 1); break;
                case "--user-prefix": options.UserPrefix = value; break;
                case "--password": options.Password = value; break;
                case "--room-prefix": options.RoomPrefix = value; break;
                case "--token-file": options.TokenFile = value; break;
                case "--json": options.JsonPath = value; break;
                case "--reconnect": options.Reconnect = Flag(name, value); break;
                case "--back-within": options.BackWithin = Seconds(name, value, 0.001); break;
                default: throw new SetupException($"unknown option {name}");
            }
        }

        if (members is { } perRoom)
        {
            if (connectionsGiven)
                throw new SetupException("give --connections or --members, not both");
            options.Connections = checked(options.Rooms * perRoom);
        }
        else if (scenario == "rooms" && !connectionsGiven)
        {
            options.Connections = options.Rooms * 5;
        }
        if (allSend)
            options.Senders = options.Connections;
        if (!usersGiven)
            options.Users = Math.Min(options.Users, options.Connections);
        options.Validate();
        return options;
    }

    private void ApplyPreset(string scenario)
    {
        Scenario = scenario;
        (Connections, Users, Rooms, Senders, Rate) = scenario switch
        {
            "fanout" => (100, 100, 1, 10, 10.0),
            "rooms" => (1_000, 200, 200, 1_000, 2.0),
            _ => (15_000, 1_000, 150, 10, 5.0),
        };
    }

    private void SetUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var url))
            throw new SetupException($"--url '{value}' is not an absolute URL");
        var secure = url.Scheme switch
        {
            "http" or "ws" => false,
            "https" or "wss" => true,
            _ => throw new SetupException($"--url must be http, https, ws or wss, not '{url.Scheme}'"),
        };
        if (url.Query.Length > 0 || url.Fragment.Length > 0)
            throw new SetupException("--url takes no query or fragment");
        var path = url.AbsolutePath.EndsWith('/') ? url.AbsolutePath : url.AbsolutePath + "/";
        ApiBase = new UriBuilder(url) { Scheme = secure ? "https" : "http", Path = path }.Uri;
        SocketUri = new UriBuilder(url) { Scheme = secure ? "wss" : "ws", Path = path + "ws" }.Uri;
    }

    private void Validate()
    {
        if (Rooms > Connections)
            throw new SetupException($"--rooms ({Rooms}) cannot exceed the connections ({Connections})");
        if (Users > Connections)
            throw new SetupException($"--users ({Users}) cannot exceed the connections ({Connections})");
        if (Senders > Connections)
            throw new SetupException($"--senders ({Senders}) cannot exceed the connections ({Connections})");
        if (new[] { UserName(0), UserName(Users - 1) }.FirstOrDefault(name => !IsUserName(name)) is { } badName)
            throw new SetupException($"--user-prefix '{UserPrefix}' makes user names such as '{badName}' that the server refuses: 3 to 32 of A-Z a-z 0-9 _ . -");
        if (Password.Length < 8)
            throw new SetupException("--password needs at least 8 characters");
        if (RoomPrefix.Length == 0 || !RoomPrefix.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-')
            || RoomName(Rooms - 1).Length > 64)
            throw new SetupException($"--room-prefix '{RoomPrefix}' does not make valid room names: up to 64 of a-z 0-9 _ -");
    }

    private static bool IsUserName(string name) =>
        name.Length is >= 3 and <= 32
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    private static int Int(string name, string value, int min) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min
            ? n
            : throw new SetupException($"{name} must be a whole number of at least {min}, not '{value}'");

    private static double Number(string name, string value, double min) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && x >= min && double.IsFinite(x)
            ? x
            : throw new SetupException($"{name} must be a number of at least {min.ToString(CultureInfo.InvariantCulture)}, not '{value}'");

    private static bool Flag(string name, string value) => value switch
    {
        "true" => true,
        "false" => false,
        _ => throw new SetupException($"{name} takes no value, or =true or =false, not '{value}'"),
    };

    private static TimeSpan Seconds(string name, string value, double min)
    {
        var (digits, scale) = value switch
        {
            _ when value.EndsWith('m') => (value[..^1], 60.0),
            _ when value.EndsWith('s') => (value[..^1], 1.0),
            _ => (value, 1.0),
        };
        if (!double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || !double.IsFinite(x) || x * scale < min)
            throw new SetupException($"{name} must be a duration of at least {min.ToString(CultureInfo.InvariantCulture)} s (30, 30s or 2m), not '{value}'");
        return TimeSpan.FromSeconds(x * scale);
    }
}
