# PoshServer container image: multi-stage build, runs as the non-root 'app' user.
#   docker build -t poshserver .
#   docker run -p 443:8443 -p 80:8080 -v /etc/poshserver/tenants:/app/tenants:ro poshserver
# Ports 80/443 are mapped to 8080/8443 inside: the process never needs root.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# The platform being built for (set by BuildKit; empty with the classic builder, which builds for amd64).
ARG TARGETARCH
WORKDIR /src

# Restore as its own layer: it only reruns when project files or package versions change.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY eng/ eng/
COPY src/PoshClient/PoshClient.csproj src/PoshClient/
COPY src/PoshServer/PoshServer.csproj src/PoshServer/
RUN dotnet restore src/PoshServer/PoshServer.csproj -r "linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64)"

COPY README.md ./
COPY src/ src/
# Published for the platform's runtime, so it is precompiled (ReadyToRun, see PoshServer.csproj); it still runs on
# the shared framework of the runtime image.
RUN dotnet publish src/PoshServer/PoshServer.csproj -c Release -r "linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64)" \
        --self-contained false -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The example tenants; mount the real directory over /app/tenants.
COPY tenants/ tenants/
# State (e.g. ACME account and certificates) lives in /app/data: mount a volume there.
RUN mkdir -p /app/data && chown "$APP_UID" /app/data

# Runtime settings: the defaults. Each setting the TechEmpower ASP.NET Core entries use was measured alone against
# them (bench/README.md, "Runtime settings, one at a time"): inline scheduling cost 11-113 % more server CPU per
# request in every mode, inline socket completions were mixed (-7 % keep-alive, +7-10 % new connection and HTTP/2),
# no spinning within noise; none is set.
ENV Https__Port=8443 \
    Https__HttpPort=8080 \
    Tenants__Directory=/app/tenants \
    DOTNET_gcServer=0
EXPOSE 8080 8443
USER $APP_UID
ENTRYPOINT ["dotnet", "/app/PoshServer.dll"]
CMD ["serve"]
