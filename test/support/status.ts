// Assertions on the gRPC status a call through the official client fails with.
import assert from 'node:assert/strict';
import { Code, ConnectError } from '@connectrpc/connect';

/** The call fails with exactly this status code and a message matching `message`. */
export async function rejects(promise: Promise<unknown>, code: Code, message: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ConnectError, `a ConnectError, got ${err}`);
    assert.equal(err.code, code, `code ${Code[err.code]} (${err.rawMessage})`);
    assert.match(err.rawMessage, message);
    return true;
  });
}
