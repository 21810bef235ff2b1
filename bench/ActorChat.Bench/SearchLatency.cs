using System.Diagnostics;
using ActorChat.Hosting;
using ActorChat.Rooms;
using ActorChat.Search;
using ActorChat.Storage;
using Akka.Actor;
using Akka.Actor.Setup;

namespace ActorChat.Bench;

/// <summary>
/// Full-text search on the embedded store as the server runs it: a message table of many rooms' messages, filled
/// through the table's own writer (so the index is kept by its triggers, as in the server), then one-word queries of
/// a reader who may read every room, timed one after another. Words of the messages follow Zipf's law over a
/// vocabulary, as words of real text do; the queries are taken from three bands of that vocabulary (common: ranks
/// 1-100, middling: 101-2,000, rare: 2,001-20,000), and each band's latencies are given apart.
/// </summary>
internal static class SearchLatency
{
    private const int Vocabulary = 20_000;
    private const int QueriesPerBand = 200;

    public static async Task RunAsync(string folder, int messages, int rooms)
    {
        var storage = new StorageSettings { DataDirectory = folder };
        var setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig("akka.loglevel = WARNING"), new SettingsSetup<StorageSettings>(storage));
        // A folder filled before (by another build, say) is searched as it is.
        var fill = !File.Exists(storage.MessageTablePath);
        using var system = ActorSystem.Create("search-bench", setup);
        var table = MessageTable.Get(system);
        var words = Enumerable.Range(0, Vocabulary).Select(Word).ToArray();
        var random = new Random(7);
        // Zipf with s = 1: the cumulative weights, searched by binary search for each word drawn.
        var cumulative = new double[Vocabulary];
        var sum = 0.0;
        for (var rank = 0; rank < Vocabulary; rank++)
            cumulative[rank] = sum += 1.0 / (rank + 1);

        if (fill)
        {
            var started = Stopwatch.GetTimestamp();
            var perRoom = messages / rooms;
            var at = DateTimeOffset.UtcNow.AddDays(-30);
            for (var batch = 0; batch < perRoom; batch += 100)
            {
                var writes = new List<Task>();
                for (var room = 0; room < rooms; room++)
                {
                    var events = new List<RevisedEvent>();
                    for (var seq = batch + 1; seq <= Math.Min(batch + 100, perRoom); seq++)
                    {
                        at = at.AddMilliseconds(2);
                        events.Add(new RevisedEvent(seq, new MessagePosted(seq, $"m{seq}", $"user{random.Next(500)}", Text(random, words, cumulative, sum), at)));
                    }
                    writes.Add(table.WriteAsync($"room{room}", events, events[^1].Event.Seq));
                }
                await Task.WhenAll(writes);
                if ((batch + 100) % (perRoom / 4) == 0)
                    Console.WriteLine($"filled {(batch + 100) * rooms:N0} messages in {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s");
            }
        }

        // The index takes in what the table's writer stored a step at a time: wait until it holds every message.
        var waited = Stopwatch.GetTimestamp();
        while (await table.SearchBacklogAsync() is var backlog and > 0)
        {
            Console.WriteLine($"index: {backlog:N0} messages to take in");
            await Task.Delay(TimeSpan.FromSeconds(5));
        }
        Console.WriteLine($"index caught up {Stopwatch.GetElapsedTime(waited).TotalSeconds:F0} s after the last write");

        // One query first, so that the file's pages the index needs are read once before timing.
        await table.SearchAsync(SearchQuery.Parse(words[0]).Query!, "reader", [], null, 20, DateTimeOffset.UtcNow);
        foreach (var (name, from, to) in new[] { ("common (ranks 1-100)", 0, 100), ("middling (101-2,000)", 100, 2_000), ("rare (2,001-20,000)", 2_000, Vocabulary) })
        {
            var times = new List<double>();
            var found = 0L;
            for (var i = 0; i < QueriesPerBand; i++)
            {
                var query = SearchQuery.Parse(words[random.Next(from, to)]).Query!;
                var started = Stopwatch.GetTimestamp();
                var page = await table.SearchAsync(query, "reader", ["user1", "user2"], null, 20, DateTimeOffset.UtcNow);
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                found += page.Hits.Count;
            }
            times.Sort();
            Console.WriteLine($"{name}: p50 {times[times.Count / 2]:F1} ms, p99 {times[(int)(times.Count * 0.99)]:F1} ms, max {times[^1]:F1} ms ({found / (double)QueriesPerBand:F1} hits a page)");
        }
    }

    private static string Text(Random random, string[] words, double[] cumulative, double sum)
    {
        var count = random.Next(6, 16);
        var picked = new string[count];
        for (var i = 0; i < count; i++)
        {
            var index = Array.BinarySearch(cumulative, random.NextDouble() * sum);
            picked[i] = words[index < 0 ? ~index : index];
        }
        return string.Join(' ', picked);
    }

    // Pronounceable, distinct words: the rank written in base 70, one consonant-vowel syllable a digit.
    private static string Word(int rank)
    {
        const string Consonants = "bdfgklmnprstvz";
        const string Vowels = "aeiou";
        var word = new System.Text.StringBuilder();
        for (var n = rank + 70; n > 0; n /= 70)
            word.Append(Consonants[n % 70 / 5]).Append(Vowels[n % 5]);
        return word.ToString();
    }
}
