using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ActorChat.Load;

/// <summary>
/// Gets one token per distinct user: registers the account (201, or 409 when it exists from an earlier run) and logs
/// it in once; every connection of that user reuses the token. The server limits register and login together per
/// client address (<c>ActorChat:Auth:LoginAttemptsPerMinute</c>), so a 429 pauses all sign-ins and says why.
/// </summary>
internal static class Accounts
{
    private const int Concurrency = 8;
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(5);

    public static async Task<string[]> GetTokensAsync(LoadOptions options, TextWriter log, CancellationToken ct)
    {
        var tokens = new string[options.Users];
        var saved = TokenFile.Load(options, options.Warmup + options.Duration + options.Drain + TimeSpan.FromHours(1));
        var missing = new List<int>();
        for (var i = 0; i < tokens.Length; i++)
        {
            if (saved.TryGetValue(options.UserName(i), out var token))
                tokens[i] = token.Token;
            else
                missing.Add(i);
        }
        if (missing.Count == 0)
        {
            log.WriteLine($"accounts: {tokens.Length} tokens from {options.TokenFile}");
            return tokens;
        }

        log.WriteLine($"accounts: signing in {missing.Count} of {tokens.Length} users ({options.UserName(0)}..{options.UserName(tokens.Length - 1)})");
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false, MaxConnectionsPerServer = Concurrency })
        {
            BaseAddress = options.ApiBase,
            Timeout = TimeSpan.FromSeconds(60),
        };
        var session = new SignIn(http, options, log, tokens.Length - missing.Count, tokens.Length);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = ct }, async (i, token) =>
            {
                var (issued, expiresAt) = await session.SignInAsync(options.UserName(i), token);
                tokens[i] = issued;
                lock (saved)
                    saved[options.UserName(i)] = new SavedToken(options.UserName(i), issued, expiresAt);
            });
        }
        finally
        {
            TokenFile.Save(options, saved.Values); // also what a failed or interrupted sign-in got, for the next run
        }
        log.WriteLine($"accounts: {tokens.Length} users signed in in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
        return tokens;
    }

    /// <summary>The sign-ins of one run: shared back-off on 429, progress, and the give-up deadline.</summary>
    private sealed class SignIn(HttpClient http, LoadOptions options, TextWriter log, int ready, int total)
    {
        private readonly Lock _gate = new();
        private long _resumeAt;
        private TimeSpan _backoff = TimeSpan.FromSeconds(10);
        private long _lastProgress = Stopwatch.GetTimestamp();
        private int _ready = ready;
        private int _explained;

        public async Task<(string Token, DateTimeOffset ExpiresAt)> SignInAsync(string user, CancellationToken ct)
        {
            var body = new { username = user, password = options.Password };
            using (var registered = await PostAsync("api/register", body, ct))
            {
                if (registered.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK or HttpStatusCode.Conflict))
                    throw new SetupException($"register {user}: HTTP {(int)registered.StatusCode} {await BodyAsync(registered, ct)}");
            }
            using var login = await PostAsync("api/login", body, ct);
            if (login.StatusCode == HttpStatusCode.Unauthorized)
                throw new SetupException($"login {user}: invalid_credentials. The account exists with another password: pass its --password, or another --user-prefix.");
            if (login.StatusCode != HttpStatusCode.OK)
                throw new SetupException($"login {user}: HTTP {(int)login.StatusCode} {await BodyAsync(login, ct)}");
            var answer = await login.Content.ReadFromJsonAsync<LoginAnswer>(ct)
                ?? throw new SetupException($"login {user}: empty answer");
            var count = Interlocked.Increment(ref _ready);
            lock (_gate)
            {
                _lastProgress = Stopwatch.GetTimestamp();
                _backoff = TimeSpan.FromSeconds(10);
            }
            if (count % 100 == 0 && count < total)
                log.WriteLine($"accounts: {count}/{total}");
            return (answer.Token, answer.ExpiresAt);
        }

        /// <summary>Posts, waiting out 429 (all sign-ins pause together) and retrying 5xx and network failures.</summary>
        private async Task<HttpResponseMessage> PostAsync(string path, object body, CancellationToken ct)
        {
            var failures = 0;
            while (true)
            {
                await WaitForGateAsync(path, ct);
                HttpResponseMessage response;
                try
                {
                    response = await http.PostAsJsonAsync(path, body, ct);
                }
                catch (HttpRequestException e)
                {
                    if (++failures >= 3)
                        throw new SetupException($"cannot reach {new Uri(options.ApiBase, path)}: {ExceptionText.Describe(e)}", e);
                    await Task.Delay(TimeSpan.FromSeconds(failures), ct);
                    continue;
                }
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    RateLimited(path, response.Headers.RetryAfter?.Delta);
                    response.Dispose();
                    continue;
                }
                if ((int)response.StatusCode >= 500 && ++failures < 5)
                {
                    // 503 while a cluster moves an account after a node loss: retry after a moment.
                    response.Dispose();
                    await Task.Delay(TimeSpan.FromSeconds(failures), ct);
                    continue;
                }
                return response;
            }
        }

        private async Task WaitForGateAsync(string path, CancellationToken ct)
        {
            long resumeAt, lastProgress;
            lock (_gate)
                (resumeAt, lastProgress) = (_resumeAt, _lastProgress);
            if (Stopwatch.GetElapsedTime(lastProgress) > GiveUpAfter)
                throw new SetupException($"{path}: no account signed in for {GiveUpAfter.TotalMinutes} minutes while the server answered 429; giving up");
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), resumeAt);
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, ct);
        }

        private void RateLimited(string path, TimeSpan? retryAfter)
        {
            TimeSpan wait;
            lock (_gate)
            {
                if (Stopwatch.GetTimestamp() < _resumeAt)
                    return; // another sign-in already paused everyone
                wait = retryAfter ?? _backoff;
                _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, TimeSpan.FromSeconds(60).Ticks));
                _resumeAt = Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency);
            }
            log.WriteLine($"accounts: the server answered 429 Too Many Requests to {path} ({Volatile.Read(ref _ready)}/{total} users ready); waiting {wait.TotalSeconds:F0} s");
            if (Interlocked.Exchange(ref _explained, 1) == 0)
            {
                log.WriteLine("accounts: the server limits register and login together per client address "
                    + "(ActorChat:Auth:LoginAttemptsPerMinute, default 30 a minute). Raise that limit on the server for the test, "
                    + "or pass --token-file so that later runs reuse the tokens instead of signing in again.");
            }
        }

        private static async Task<string> BodyAsync(HttpResponseMessage response, CancellationToken ct)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            return text.Length > 200 ? text[..200] : text;
        }
    }

    private sealed record LoginAnswer(string Token, string Username, DateTimeOffset ExpiresAt);

    internal sealed record SavedToken(string User, string Token, DateTimeOffset ExpiresAt);

    /// <summary>
    /// The optional token file: tokens of earlier runs against the same address and user prefix, reused while they
    /// stay valid past the end of this run. The file holds bearer tokens, so only its owner may read it.
    /// </summary>
    private static class TokenFile
    {
        private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

        private sealed record Contents(string Url, string UserPrefix, List<SavedToken> Tokens);

        public static Dictionary<string, SavedToken> Load(LoadOptions options, TimeSpan mustLast)
        {
            var tokens = new Dictionary<string, SavedToken>(StringComparer.OrdinalIgnoreCase);
            if (options.TokenFile is not { } path || !File.Exists(path))
                return tokens;
            Contents? contents;
            try
            {
                contents = JsonSerializer.Deserialize<Contents>(File.ReadAllText(path), Json);
            }
            catch (JsonException)
            {
                return tokens; // damaged or someone else's: sign in again and overwrite it
            }
            if (contents is null || contents.Url != options.ApiBase.ToString() || contents.UserPrefix != options.UserPrefix)
                return tokens;
            var until = DateTimeOffset.UtcNow + mustLast;
            foreach (var token in contents.Tokens.Where(t => t.ExpiresAt > until))
                tokens[token.User] = token;
            return tokens;
        }

        public static void Save(LoadOptions options, IEnumerable<SavedToken> tokens)
        {
            if (options.TokenFile is not { } path)
                return;
            var contents = new Contents(options.ApiBase.ToString(), options.UserPrefix, [.. tokens.OrderBy(t => t.User, StringComparer.Ordinal)]);
            const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            var create = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                create.UnixCreateMode = OwnerOnly;
            using (var file = new FileStream(path, create))
                JsonSerializer.Serialize(file, contents, Json);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(path, OwnerOnly); // a file that existed keeps its mode otherwise
        }
    }
}
