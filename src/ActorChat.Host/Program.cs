using ActorChat.Host;

var app = ChatApp.Create(args);
app.Run();
