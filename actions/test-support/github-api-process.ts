/**
 * Test support: the GitHub REST API stand-in of github-actions-api.ts in a child process, for tests
 * that run workflow steps synchronously (a server in the test's own process could not answer them).
 * Usage: node --import tsx github-api-process.ts <state.json>; prints the port it listens on
 * (127.0.0.1), reads the state file on every request and writes it back after a change (a posted
 * deployment status).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { actionsApiHandler } from './github-actions-api.ts';
import type { ActionsApiState } from './github-actions-api.ts';

const stateFile = process.argv[2];
if (!stateFile) throw new Error('usage: github-api-process.ts <state.json>');
const server = createServer(
  actionsApiHandler(
    () => JSON.parse(readFileSync(stateFile, 'utf8')) as ActionsApiState,
    (state) => writeFileSync(stateFile, JSON.stringify(state)),
  ),
);
server.listen(0, '127.0.0.1', () => console.log((server.address() as AddressInfo).port));
