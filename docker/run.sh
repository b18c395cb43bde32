#!/bin/sh
# Starts the kafka-sas app this image was built for (KAFKA_SAS_APP), with container defaults that SAS_*
# variables override: HTTP on every interface, Streams state under the volume, heap as a share of the
# container's memory limit.
set -eu
ram="${JVM_MAX_RAM_PERCENTAGE:-75}"
case "$KAFKA_SAS_APP" in
  scheduler|supervisor)
    export SAS_HTTP_HOST="${SAS_HTTP_HOST:-0.0.0.0}"
    export SAS_STREAMS_STATE_DIR="${SAS_STREAMS_STATE_DIR:-/var/lib/kafka-sas/state}"
    exec java -XX:MaxRAMPercentage="$ram" -jar /opt/kafka-sas/app.jar "$@" ;;
  agent-host)
    # the host and its agents share the container: the host takes little, the agents split the rest
    export SAS_HTTP_HOST="${SAS_HTTP_HOST:-0.0.0.0}"
    export SAS_AGENT_HANDLER_PATH="${SAS_AGENT_HANDLER_PATH:-/opt/kafka-sas/handlers}"
    agents="${SAS_HOST_AGENTS:-2}"
    export SAS_HOST_AGENT_JVM_OPTIONS="${SAS_HOST_AGENT_JVM_OPTIONS:--XX:MaxRAMPercentage=$((ram * 4 / 5 / agents))}"
    exec java -XX:MaxRAMPercentage="$((ram / 5))" -jar /opt/kafka-sas/app.jar host "$@" ;;
  dashboard)
    export SAS_HTTP_HOST="${SAS_HTTP_HOST:-0.0.0.0}"
    exec java -XX:MaxRAMPercentage="$ram" -jar /opt/kafka-sas/app.jar "$@" ;;
  sasctl)
    exec java -XX:MaxRAMPercentage="$ram" -jar /opt/kafka-sas/app.jar "$@" ;;
  *)
    echo "KAFKA_SAS_APP must be scheduler, supervisor, agent-host, dashboard or sasctl, not '$KAFKA_SAS_APP'" >&2
    exit 2 ;;
esac
