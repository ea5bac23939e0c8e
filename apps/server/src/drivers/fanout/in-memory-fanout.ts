import type { Namespace, Server } from 'socket.io';
import {
  ClusterAdapterWithHeartbeat,
  type ClusterAdapterOptions,
  type ClusterMessage,
  type ClusterResponse,
  type Offset,
  type ServerId,
} from 'socket.io-adapter';
import type { RealtimeFanout } from './realtime-fanout.port';

/**
 * Stands in for Redis pub/sub between the nodes attached to one InMemoryFanout. Delivery is
 * asynchronous and in publish order, and every message is structured-cloned, so nodes share no
 * objects — the same guarantees the Redis adapter gives, which keeps the contract suite honest.
 */
class InMemoryClusterBus {
  private readonly adapters = new Set<InMemoryClusterAdapter>();
  private offset = 0;
  private closed = false;

  join(adapter: InMemoryClusterAdapter): void {
    if (!this.closed) this.adapters.add(adapter);
  }

  leave(adapter: InMemoryClusterAdapter): void {
    this.adapters.delete(adapter);
  }

  publish(message: ClusterMessage): Offset {
    const copy = structuredClone(message);
    for (const adapter of this.adapters) {
      if (adapter.nodeId !== message.uid && adapter.namespace === message.nsp) {
        setImmediate(() => adapter.receive(copy));
      }
    }
    this.offset += 1;
    return String(this.offset);
  }

  publishResponse(requesterUid: ServerId, response: ClusterResponse): void {
    const copy = structuredClone(response);
    for (const adapter of this.adapters) {
      if (adapter.nodeId === requesterUid && adapter.namespace === response.nsp) {
        setImmediate(() => adapter.receiveResponse(copy));
      }
    }
  }

  close(): void {
    this.closed = true;
    // Adapters whose server was never closed: stop their heartbeat timers.
    for (const adapter of [...this.adapters]) adapter.close();
    this.adapters.clear();
  }
}

class InMemoryClusterAdapter extends ClusterAdapterWithHeartbeat {
  readonly namespace: string;

  constructor(
    nsp: Namespace,
    private readonly bus: InMemoryClusterBus,
    options: ClusterAdapterOptions,
  ) {
    super(nsp, options);
    this.namespace = nsp.name;
    bus.join(this);
  }

  get nodeId(): ServerId {
    return this.uid;
  }

  receive(message: ClusterMessage): void {
    this.onMessage(message);
  }

  receiveResponse(response: ClusterResponse): void {
    this.onResponse(response);
  }

  protected override doPublish(message: ClusterMessage): Promise<Offset> {
    return Promise.resolve(this.bus.publish(message));
  }

  protected override doPublishResponse(
    requesterUid: ServerId,
    response: ClusterResponse,
  ): Promise<void> {
    this.bus.publishResponse(requesterUid, response);
    return Promise.resolve();
  }

  override close(): void {
    super.close(); // tells the other nodes this one is gone
    this.bus.leave(this);
  }
}

/**
 * The single-machine driver. One bus per instance: every socket.io server attached to the same
 * InMemoryFanout behaves like a node of a Redis-backed cluster (tests run several in one process).
 */
export class InMemoryFanout implements RealtimeFanout {
  readonly driver = 'in-memory' as const;
  private readonly bus = new InMemoryClusterBus();

  constructor(private readonly options: ClusterAdapterOptions = {}) {}

  attach(io: Server): void {
    const { bus, options } = this;
    // socket.io calls `new` on what it is given, so this must be a class, not an arrow function.
    io.adapter(
      class extends InMemoryClusterAdapter {
        constructor(nsp: Namespace) {
          super(nsp, bus, options);
        }
      },
    );
  }

  close(): Promise<void> {
    this.bus.close();
    return Promise.resolve();
  }
}
