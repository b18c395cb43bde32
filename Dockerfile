# syntax=docker/dockerfile:1
# One Dockerfile for every kafka-sas image; APP picks the app:
#   docker build --build-arg APP=scheduler  -t kafka-sas/scheduler:0.1.0 .
#   docker build --build-arg APP=supervisor -t kafka-sas/supervisor:0.1.0 .
#   docker build --build-arg APP=agent-host -t kafka-sas/agent-host:0.1.0 .
#   docker build --build-arg APP=dashboard  -t kafka-sas/dashboard:0.1.0 .
#   docker build --build-arg APP=sasctl     -t kafka-sas/sasctl:0.1.0 .   (the CLI; topics create runs one-shot)
# Configuration is by SAS_* environment variables only (docs/configuration.md lists them all).
ARG APP=scheduler

FROM maven:3.9-eclipse-temurin-17 AS build
ARG APP
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    case "$APP" in \
      scheduler) module=scheduler-app ;; \
      supervisor) module=supervisor-app ;; \
      agent-host) module=agent-app ;; \
      dashboard) module=dashboard-app ;; \
      sasctl) module=sasctl ;; \
      *) echo "APP must be scheduler, supervisor, agent-host, dashboard or sasctl, not '$APP'" >&2; exit 2 ;; \
    esac \
    && mvn -B -q package -DskipTests -pl "$module" -am \
    && mkdir /out && cp "$module/target/$module.jar" /out/app.jar

FROM eclipse-temurin:17-jre
ARG APP
# a fixed uid, so that volumes and Kubernetes' runAsUser agree
RUN groupadd --system --gid 10001 sas \
    && useradd --system --uid 10001 --gid sas --home-dir /var/lib/kafka-sas --create-home --shell /usr/sbin/nologin sas
COPY --from=build /out/app.jar /opt/kafka-sas/app.jar
# the agent host's handler plugins (docs/handlers.md): add jars in an image FROM this one, or mount a volume here
RUN mkdir -p /opt/kafka-sas/handlers
COPY docker/run.sh docker/healthcheck.sh /opt/kafka-sas/
ENV KAFKA_SAS_APP=${APP} \
    JAVA_TOOL_OPTIONS="-XX:+ExitOnOutOfMemoryError"
USER 10001:10001
WORKDIR /var/lib/kafka-sas
VOLUME ["/var/lib/kafka-sas"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=90s --retries=3 CMD ["/opt/kafka-sas/healthcheck.sh"]
ENTRYPOINT ["/opt/kafka-sas/run.sh"]
