# TraceBridge on a JRE: the distribution built by Maven (dist/), any role, amd64 or arm64.
#
#   ./mvnw -B -ntp -pl dist -am package -DskipTests
#   docker buildx build --platform linux/amd64,linux/arm64 -t tracebridge:0.1.0-SNAPSHOT .
#
# The default command is the agent runtime on 8080, as Amazon Bedrock AgentCore Runtime runs a
# container (ARM64, GET /ping and POST /invocations on 8080); the other roles are one argument
# away: `docker run ... tracebridge receiver`, `... web`. Settings are TRACEBRIDGE_* variables
# (see conf/tracebridge.properties.example), DynamoDB the AWS SDK's environment and task role.
# dist/README.md has the details.

# A multi-arch JRE image (linux/amd64 and linux/arm64 among others), Ubuntu based. Another JRE 17+
# image with groupadd/useradd (a mirror of it, say) can be given with --build-arg JRE_IMAGE=...
ARG JRE_IMAGE=eclipse-temurin:17-jre
FROM ${JRE_IMAGE}

ARG VERSION=0.1.0-SNAPSHOT

# Not root: a system user with a writable home for the `up` role's data and JVM temp files.
RUN groupadd --system --gid 10001 tracebridge \
 && useradd --system --uid 10001 --gid tracebridge --home-dir /var/lib/tracebridge --create-home \
      --shell /usr/sbin/nologin tracebridge

# Copied as built (bin/tracebridge keeps its executable bit); owned by root, so read-only to the service.
COPY dist/target/tracebridge-${VERSION}/ /opt/tracebridge/

USER tracebridge:tracebridge
WORKDIR /var/lib/tracebridge

# In a container every listener binds all interfaces; the JVM sizes its heap from the container's limit.
ENV TRACEBRIDGE_HOST=0.0.0.0 \
    JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"

# OTLP gRPC, OTLP HTTP, web (REST, websocket, viewer), agent runtime, receiver health.
# Cluster members also talk on 5701 (Hazelcast) and the event-bus port (TRACEBRIDGE_CLUSTER_BUS_PORT,
# a free one unless set): open them
# between the tasks or pods of one deployment, not to the world.
EXPOSE 4317 4318 8090 8080 13133

ENTRYPOINT ["/opt/tracebridge/bin/tracebridge"]
CMD ["runtime", "--runtime-port", "8080"]
