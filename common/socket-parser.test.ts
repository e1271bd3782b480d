import {
  PacketType,
  type Decoder as StandardDecoder,
  Encoder as StandardEncoder,
} from "socket.io-parser";
import { describe, expect, it } from "vitest";
import { Decoder, Encoder } from "./socket-parser";

type Packet = Parameters<StandardEncoder["encode"]>[0];

function decodeAll(decoder: Decoder | StandardDecoder, frames: unknown[]): Packet[] {
  const decoded: Packet[] = [];
  decoder.on("decoded", (packet: Packet) => decoded.push(packet));
  for (const frame of frames) decoder.add(frame);
  return decoded;
}

const documentId = "0b8a6c9e-6a3c-4f0e-9a1e-1a2b3c4d5e6f";
const binaryEvent: Packet = {
  type: PacketType.EVENT,
  nsp: "/",
  id: 7,
  data: ["collab:sync", { documentId, data: new Uint8Array([0, 2, 3, 1, 2, 3]) }],
};

describe("socket parser", () => {
  it("sends a packet with binary data as one frame and reads it back whole", () => {
    const frames = new Encoder().encode({ ...binaryEvent });
    expect(frames).toHaveLength(1);
    expect(frames[0]).toBeInstanceOf(Uint8Array);
    // As a server receives it: a Buffer, possibly a view into a larger pool.
    const pooled = Buffer.concat([Buffer.from([9, 9, 9]), Buffer.from(frames[0] as Uint8Array)]);
    const [packet] = decodeAll(new Decoder(), [pooled.subarray(3)]);
    expect(packet.type).toBe(PacketType.EVENT);
    expect(packet.id).toBe(7);
    expect(packet.data[0]).toBe("collab:sync");
    expect(packet.data[1].documentId).toBe(documentId);
    expect([...packet.data[1].data]).toEqual([0, 2, 3, 1, 2, 3]);
  });

  it("keeps packets without binary data exactly as the standard parser writes them", () => {
    const text: Packet = { type: PacketType.EVENT, nsp: "/", data: ["presence", [{ id: "a" }]] };
    const ours = new Encoder().encode({ ...text });
    expect(ours).toEqual(new StandardEncoder().encode({ ...text }));
    expect(decodeAll(new Decoder(), ours)[0].data).toEqual(["presence", [{ id: "a" }]]);
  });

  it("reads binary acknowledgements and several attachments", () => {
    const ack: Packet = {
      type: PacketType.ACK,
      nsp: "/",
      id: 3,
      data: [{ a: new Uint8Array([1]), b: [new Uint8Array([2, 2])] }],
    };
    const [packet] = decodeAll(new Decoder(), new Encoder().encode({ ...ack }));
    expect(packet.type).toBe(PacketType.ACK);
    expect([...packet.data[0].a]).toEqual([1]);
    expect([...packet.data[0].b[0]]).toEqual([2, 2]);
  });

  it("refuses a frame whose attachments do not match its header, and reads the next one", () => {
    const [frame] = new Encoder().encode({ ...binaryEvent }) as Uint8Array[];
    const decoder = new Decoder();
    const decoded: Packet[] = [];
    decoder.on("decoded", (packet: Packet) => decoded.push(packet));
    // The header claims one attachment; drop it.
    const headerOnly = frame.subarray(0, frame.length - 7);
    expect(() => decoder.add(headerOnly)).toThrow("Malformed binary packet");
    expect(() => decoder.add(new Uint8Array([200, 1, 2]))).toThrow();
    decoder.add(frame);
    expect(decoded).toHaveLength(1);
  });

  it("refuses data that is neither text nor bytes", () => {
    expect(() => new Decoder().add(42)).toThrow("Unknown packet data");
  });
});
