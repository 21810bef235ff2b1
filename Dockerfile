# ActorChat server image. Build from the repository root:
#   docker build -t actorchat .
# Every setting comes from the environment at run time (docs/configuration.md); nothing secret is built in.
# tests/ActorChat.Host.Tests/DeploymentFilesTests.cs checks this file against the app's settings and ports.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore from the project files alone, so that the packages stay a cached layer until a project or a version changes.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/ActorChat.Actors/ActorChat.Actors.csproj src/ActorChat.Actors/
COPY src/ActorChat.Host/ActorChat.Host.csproj src/ActorChat.Host/
RUN dotnet restore src/ActorChat.Host/ActorChat.Host.csproj

# The host project links HOCON.conf and web/ from the root into its output, so both come along.
COPY HOCON.conf ./
COPY web/ web/
COPY src/ src/
RUN dotnet publish src/ActorChat.Host/ActorChat.Host.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app

# The data directory, owned by the image's non-root user: a single node's SQLite files, photos and generated signing
# key. On PostgreSQL, messages and photos are in the database, and with ActorChat__Auth__SigningKey given nothing is
# written here.
RUN mkdir -p /var/lib/actorchat && chown "$APP_UID" /var/lib/actorchat
VOLUME /var/lib/actorchat

# appsettings.json names Urls (localhost:5000 for a developer's machine), and it outranks ASPNETCORE_URLS and the
# base image's ASPNETCORE_HTTP_PORTS: only Urls itself (this variable, or --urls) overrides it. HTTP_PORTS is
# emptied so that Kestrel does not log that it ignores it.
ENV Urls=http://0.0.0.0:8080 \
    ASPNETCORE_HTTP_PORTS= \
    ActorChat__Storage__DataDirectory=/var/lib/actorchat \
    ActorChat__Cluster__Hostname=0.0.0.0 \
    ActorChat__Cluster__Port=2551 \
    ActorChat__Cluster__BootstrapPort=8558

# HTTP (pages, API, WebSocket, /healthz and /readyz), node-to-node, and Cluster Bootstrap. The last two belong on a
# private network only. The management endpoint (/metrics) stays on the container's loopback unless
# ActorChat__Management__Urls moves it.
EXPOSE 8080 2551 8558

COPY --from=build /app ./
USER $APP_UID
ENTRYPOINT ["dotnet", "ActorChat.Host.dll"]
