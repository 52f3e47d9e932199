import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { pipeline, Transform } from 'node:stream';

/** Network conditions of the simulated home link; every field may change while requests run. */
export interface Shaping {
  /** Added once per request before its handler runs, i.e. one round trip. 0 = none. */
  latencyMs: number;
  /** Client → server bytes per second, shared by all connections. `Infinity` = unshaped. */
  uploadBytesPerSec: number;
  /** Server → client bytes per second, shared by all connections. `Infinity` = unshaped. */
  downloadBytesPerSec: number;
}

/** A `Shaping` whose setters reject values that would stall the link forever or make no sense. */
export class LinkShaping implements Shaping {
  #latencyMs = 0;
  #uploadBytesPerSec = Number.POSITIVE_INFINITY;
  #downloadBytesPerSec = Number.POSITIVE_INFINITY;

  constructor(initial: Partial<Shaping> = {}) {
    Object.assign(this, initial);
  }

  get latencyMs(): number {
    return this.#latencyMs;
  }
  set latencyMs(ms: number) {
    if (!(ms >= 0 && Number.isFinite(ms)))
      throw new RangeError(`latencyMs must be a finite number ≥ 0, not ${ms}`);
    this.#latencyMs = ms;
  }
  get uploadBytesPerSec(): number {
    return this.#uploadBytesPerSec;
  }
  set uploadBytesPerSec(rate: number) {
    this.#uploadBytesPerSec = checkedRate('uploadBytesPerSec', rate);
  }
  get downloadBytesPerSec(): number {
    return this.#downloadBytesPerSec;
  }
  set downloadBytesPerSec(rate: number) {
    this.#downloadBytesPerSec = checkedRate('downloadBytesPerSec', rate);
  }
}

function checkedRate(name: string, rate: number): number {
  if (!(rate > 0)) throw new RangeError(`${name} must be > 0 (Infinity = unshaped), not ${rate}`);
  return rate;
}

export interface LinkClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: LinkClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Credit an idle link may spend at once, so small requests are not chopped into timer ticks. */
const BURST_MS = 10;

/**
 * A token bucket in its virtual-scheduling form: each `take` reserves the next slot of the link in
 * call order, so all connections share one rate fairly, and waits until its slot has passed.
 */
export class TokenBucket {
  private nextFreeAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly bytesPerSec: () => number,
    private readonly clock: LinkClock = realClock,
  ) {}

  take(bytes: number): Promise<void> | undefined {
    const rate = this.bytesPerSec();
    if (rate === Number.POSITIVE_INFINITY) return undefined;
    const now = this.clock.now();
    this.nextFreeAt = Math.max(this.nextFreeAt, now - BURST_MS) + (bytes * 1000) / rate;
    const wait = this.nextFreeAt - now;
    return wait > 0 ? this.clock.sleep(wait) : undefined;
  }
}

/** Pieces small enough that a slow link still delivers smoothly rather than 64 KiB at a time. */
const PIECE_BYTES = 16 * 1024;

function throttle(bucket: TokenBucket): Transform {
  return new Transform({
    async transform(chunk: Buffer, _encoding, done) {
      for (let offset = 0; offset < chunk.length; offset += PIECE_BYTES) {
        const piece = chunk.subarray(offset, offset + PIECE_BYTES);
        const slot = bucket.take(piece.length);
        if (slot) await slot;
        this.push(piece);
      }
      done();
    },
  });
}

/**
 * The simulated home link: a TCP relay in front of a local server that throttles the bytes on the
 * wire in each direction with one bucket shared by all connections.
 */
export class ShapedLink {
  private readonly upload: TokenBucket;
  private readonly download: TokenBucket;
  private readonly relays = new Map<Socket, Socket>();
  private readonly servers: Server[] = [];

  constructor(shaping: Shaping) {
    this.upload = new TokenBucket(() => shaping.uploadBytesPerSec);
    this.download = new TokenBucket(() => shaping.downloadBytesPerSec);
  }

  /** Listens on 127.0.0.1 at a random port and relays every connection to `targetPort`. */
  async open(targetPort: number): Promise<number> {
    const server = createServer({ noDelay: true, allowHalfOpen: true }, (client) =>
      this.relay(client, targetPort),
    );
    this.servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('fake-net: relay has no TCP port');
    return address.port;
  }

  private relay(client: Socket, targetPort: number): void {
    // Half-open sockets: one side's FIN must not cut off bytes still queued in the other direction.
    const upstream = tcpConnect({ host: '127.0.0.1', port: targetPort, noDelay: true, allowHalfOpen: true });
    this.relays.set(client, upstream);
    let directionsOpen = 2;
    const finished = (error: Error | null | undefined) => {
      if (error) {
        client.destroy();
        upstream.destroy();
      }
      if (error || --directionsOpen === 0) this.relays.delete(client);
    };
    pipeline(client, throttle(this.upload), upstream, finished);
    pipeline(upstream, throttle(this.download), client, finished);
  }

  /** Cuts every open connection with a TCP reset, as a dropped Wi-Fi link would. */
  resetConnections(): void {
    for (const [client, upstream] of this.relays) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    this.relays.clear();
  }

  async close(): Promise<void> {
    const closed = this.servers.map((server) => new Promise((resolve) => server.close(resolve)));
    this.resetConnections();
    await Promise.all(closed);
  }
}
