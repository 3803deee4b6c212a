// The wire floor: a grpc-js server with quiver's protos and server options whose Upsert decodes
// the request and discards it. What a write costs before quiver does anything with it.
import * as grpc from '@grpc/grpc-js';
import { publicServices } from '../libs/api/index.ts';
import { bind, SERVER_OPTIONS } from '../services/common/public-server.ts';

const server = new grpc.Server(SERVER_OPTIONS);
server.addService(publicServices.Points, {
  Upsert: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => callback(null, { result: { operation_id: '1', status: 'Completed' }, time: 0 }),
});
server.addService(publicServices.Qdrant, {
  HealthCheck: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => callback(null, { title: 'floor', version: '1.18.0' }),
});
const port = await bind(server, '127.0.0.1', Number(process.env.PORT ?? 0));
console.log(`floor serving on ${port}`);
