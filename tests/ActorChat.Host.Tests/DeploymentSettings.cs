using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using ActorChat.Hosting;

namespace ActorChat.Host.Tests;

/// <summary>
/// The app's settings as environment variables see them: <c>ActorChat__Cluster__Port</c> is the configuration key
/// <c>ActorChat:Cluster:Port</c>, bound to <see cref="ClusterSettings.Port"/>. The settings classes are those of the
/// server's assemblies with a <c>Section</c> under <c>ActorChat:</c>; a test checks that the running app binds each.
/// </summary>
internal static partial class DeploymentSettings
{
    public const string Prefix = "ActorChat__";

    /// <summary>Each settings class by its section, such as <c>ActorChat:Cluster</c>.</summary>
    public static IReadOnlyDictionary<string, Type> Classes { get; } =
        new[] { typeof(ChatApp).Assembly, typeof(ClusterSettings).Assembly }
            .SelectMany(assembly => assembly.GetExportedTypes())
            .Select(type => (type, section: type.GetField("Section", BindingFlags.Public | BindingFlags.Static)))
            .Where(entry => entry.section is { IsLiteral: true } && entry.section.GetValue(null) is string name && name.StartsWith("ActorChat:", StringComparison.Ordinal))
            .ToDictionary(entry => (string)entry.section!.GetValue(null)!, entry => entry.type, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Why <paramref name="name"/> = <paramref name="value"/> does not reach a setting of the app, or null when it
    /// does: the section must be bound, the property must exist and be settable, an index only on an array, and a
    /// literal value must convert as the configuration binder converts it (an enum by one of its names). Values that
    /// come from elsewhere (null) or that compose fills in (<c>${...}</c>) are not converted.
    /// </summary>
    public static string? Problem(string name, string? value)
    {
        if (!name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            return null;
        var parts = name.Split("__");
        if (parts.Length is < 3 or > 4)
            return $"{name}: expected ActorChat__Section__Setting, with __N after it for an entry of a list";
        if (!Classes.TryGetValue($"ActorChat:{parts[1]}", out var type))
            return $"{name}: no settings class binds the section ActorChat:{parts[1]}";
        // The configuration binder matches names whatever their case, so a key in another case still works.
        var property = type.GetProperty(parts[2], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is null || property.SetMethod is not { IsPublic: true })
            return $"{name}: {type.Name} has no setting {parts[2]}";
        var target = property.PropertyType;
        if (parts.Length == 4)
        {
            if (!target.IsArray)
                return $"{name}: {type.Name}.{property.Name} is not a list, so it takes no index";
            if (!int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out _))
                return $"{name}: the index {parts[3]} is not a number";
            target = target.GetElementType()!;
        }
        else if (target.IsArray)
            return $"{name}: {type.Name}.{property.Name} is a list: each entry is {name}__0, {name}__1 and so on";

        if (value is null || value.Contains("${", StringComparison.Ordinal))
            return null;
        if (target.IsEnum)
        {
            return Enum.GetNames(target).Contains(value, StringComparer.OrdinalIgnoreCase) ? null
                : $"{name}: '{value}' is not one of {string.Join(", ", Enum.GetNames(target))}";
        }
        try
        {
            TypeDescriptor.GetConverter(target).ConvertFromInvariantString(value);
            return null;
        }
        catch (Exception e) when (e is FormatException or NotSupportedException || e.InnerException is FormatException or OverflowException)
        {
            return $"{name}: '{value}' is not a {target.Name}";
        }
    }

    /// <summary>The literal value of <paramref name="name"/> in an environment, the last one set winning.</summary>
    public static string? Literal(IEnumerable<EnvVar> environment, string name) =>
        environment.LastOrDefault(variable => string.Equals(variable.Name, name, StringComparison.OrdinalIgnoreCase))?.Value;

    /// <summary>An integer setting as a node with this environment has it: set there, or the class's default.</summary>
    public static int Int(IEnumerable<EnvVar> environment, string name, int fallback) =>
        Literal(environment, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    /// <summary>Whether a variable's name says it holds a secret, which no file may spell out.</summary>
    public static bool LooksSecret(string name) => SecretName().IsMatch(name);

    [GeneratedRegex("(?i)(secret|password|token|signingkey|connectionstring|apikey)")]
    private static partial Regex SecretName();
}
