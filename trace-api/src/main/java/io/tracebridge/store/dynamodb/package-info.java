/**
 * The DynamoDB implementation of the store: {@link io.tracebridge.store.dynamodb.DynamoDbTraceStore},
 * its validated {@link io.tracebridge.store.dynamodb.DynamoDbStoreConfig}, and its persistence
 * model {@link io.tracebridge.store.dynamodb.DynamoItem}.
 *
 * <p><b>Key design.</b> One table (default {@code tracebridge-records}, on-demand billing):
 *
 * <ul>
 *   <li>{@code pk} = {@code TRACE#{tenant}#{w3cTraceId}}, {@code sk} = {@code REC#{recordId}}: a
 *       trace is one item collection, read with one strongly consistent Query; the record id in the
 *       sort key makes a record written twice one item (the second write overwrites).
 *   <li>Global secondary index {@code bySession}: {@code gsi1pk} = {@code
 *       SESSION#{tenant}#{sessionId}}, {@code gsi1sk} = {@code {timestampNanos, zero-padded to 19
 *       digits}#{recordId}}, projection ALL. Set only when the record has a session id, so the
 *       index is sparse. Eventually consistent, as every GSI.
 *   <li>The tenant is part of both partition keys: no query can reach another tenant's items.
 *   <li>The record's fields are typed top-level attributes named as in the record JSON, with
 *       {@code tool}, {@code usage} and {@code error} as maps, plus {@code schemaVersion}.
 * </ul>
 */
@ParametersAreNonnullByDefault
package io.tracebridge.store.dynamodb;

import javax.annotation.ParametersAreNonnullByDefault;
