/**
 * The Vert.x REST, websocket and viewer layer over the trace query interfaces.
 *
 * <p>{@link io.tracebridge.web.WebVerticle} serves the REST API under {@code /api} (described by
 * {@code /api/openapi.json} and {@code /api/websocket.schema.json}), {@code /health}, the viewer
 * page and the {@code /ws} websocket. Live records reach it through the event-bus address
 * {@link io.tracebridge.web.LiveRecordBus#ADDRESS}, published by {@link
 * io.tracebridge.web.LiveRecordBus} after they are stored; nothing here blocks an event loop.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.web;

import javax.annotation.ParametersAreNonnullByDefault;
