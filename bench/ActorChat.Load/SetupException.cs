namespace ActorChat.Load;

/// <summary>The run cannot start: a bad option, an unreachable server, accounts that cannot sign in.</summary>
internal sealed class SetupException : Exception
{
    public SetupException()
    {
    }

    public SetupException(string message)
        : base(message)
    {
    }

    public SetupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
