using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using ActorChat.Connections;
using ActorChat.Host.Auth;
using ActorChat.Host.Http;
using ActorChat.Host.Management;
using ActorChat.Hosting;
using ActorChat.Rooms;
using ActorChat.Storage;

namespace ActorChat.Host.Tests;

/// <summary>
/// Every setting has one default, in its options class, and docs/configuration.md states it (the README's short
/// table too, for the settings it names). A default
/// repeated in appsettings.json once overrode the class and made failover take 46 s instead of 15.
/// </summary>
public sealed partial class ConfigurationDocsTests
{
    private static readonly object[] Defaults =
    [
        new StorageSettings(), new AuthSettings(), new ConnectionSettings(), new RoomSettings(), new ClusterSettings(), new ManagementSettings(), new ProxySettings(),
        new ActorChat.Host.Attachments.AttachmentSettings(), new ActorChat.Accounts.AdminSettings(),
    ];

    // Chosen by the storage provider's wiring, not by an operator.
    private static readonly string[] NotOperatorSettings = ["ActorChat:Rooms:ReadJournalPluginId"];

    [Fact]
    public void The_configuration_page_states_the_default_of_every_setting_as_its_options_class_has_it()
    {
        var documented = DocumentedDefaults();

        foreach (var settings in Defaults)
        {
            var section = (string)settings.GetType().GetField("Section")!.GetValue(null)!;
            foreach (var property in settings.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                var key = $"{section}:{property.Name}";
                if (NotOperatorSettings.Contains(key))
                    continue;
                Assert.True(documented.TryGetValue(key, out var stated), $"{key} is not in the table of docs/configuration.md");
                Assert.True(Format(property.GetValue(settings)) == stated, $"{key}: docs/configuration.md says {stated}, the code has {Format(property.GetValue(settings))}");
            }
        }
    }

    [Fact]
    public void The_readme_states_the_settings_it_names_as_the_configuration_page_does()
    {
        var documented = DocumentedDefaults();
        var inReadme = DefaultsIn("README.md");

        Assert.NotEmpty(inReadme);
        foreach (var (key, value) in inReadme)
            Assert.True(documented.TryGetValue(key, out var stated) && stated == value, $"{key}: the README says {value}, docs/configuration.md {stated}");
    }

    [Fact]
    public void Appsettings_json_repeats_no_default_of_the_options_classes()
    {
        using var appsettings = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "appsettings.json")));

        Assert.False(appsettings.RootElement.TryGetProperty("ActorChat", out _), "appsettings.json has an ActorChat section");
    }

    private static Dictionary<string, string> DocumentedDefaults() => DefaultsIn("configuration.md");

    private static Dictionary<string, string> DefaultsIn(string document) =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, document))
            .Select(line => TableRow().Match(line))
            .Where(match => match.Success)
            .ToDictionary(match => match.Groups["key"].Value, match => match.Groups["value"].Value.Trim('`'));

    private static string Format(object? value) => value switch
    {
        null or "" => "empty",
        string text => text,
        // As an operator writes it: 00:00:00.002, not 00:00:00.0020000.
        TimeSpan span => span.Ticks % TimeSpan.TicksPerSecond == 0
            ? span.ToString("c", CultureInfo.InvariantCulture)
            : span.ToString("c", CultureInfo.InvariantCulture).TrimEnd('0'),
        IEnumerable items when !items.Cast<object>().Any() => "[]",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    [GeneratedRegex(@"^\| `(?<key>ActorChat:[A-Za-z]+:[A-Za-z]+)` \| (?<value>`[^`]*`|empty) \|")]
    private static partial Regex TableRow();
}
