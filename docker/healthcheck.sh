#!/bin/bash
# HEALTHCHECK without curl: GET /health over bash's /dev/tcp; healthy on HTTP 200 (ready and live).
set -eu
case "$KAFKA_SAS_APP" in
  scheduler) port="${SAS_HTTP_PORT:-8080}" ;;
  supervisor) port="${SAS_HTTP_PORT:-8082}" ;;
  agent-host) port="${SAS_HOST_HTTP_PORT:-8091}" ;;
  dashboard) port="${SAS_HTTP_PORT:-8084}" ;;
  *) exit 0 ;; # one-shot commands have no endpoint
esac
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /health HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
read -r -t 2 _ status _ <&3
[ "$status" = "200" ]
