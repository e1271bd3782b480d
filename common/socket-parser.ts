import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { Decoder as StandardDecoder, Encoder as StandardEncoder } from "socket.io-parser";

/**
 * socket.io's standard parser with one change: a packet that carries binary data (every
 * co-editing message) travels as ONE WebSocket frame instead of a text frame followed by one
 * frame per attachment. engine.io sends the frames of a packet one write callback apart, so the
 * attachments of a broadcast waited for the next turn of the event loop — behind whatever the
 * server did meanwhile, such as saving the update. Packets without binary data are unchanged.
 * Both ends must use it (ADR 7).
 *
 * A bundled frame is the standard packet header (a string with its placeholders and attachment
 * count) followed by each attachment, each as a lib0 var-length field.
 */
export class Encoder extends StandardEncoder {
  override encode(packet: Parameters<StandardEncoder["encode"]>[0]) {
    const [header, ...attachments] = super.encode(packet);
    if (attachments.length === 0) return [header];
    const encoder = encoding.createEncoder();
    encoding.writeVarString(encoder, header);
    for (const attachment of attachments) encoding.writeVarUint8Array(encoder, attachment);
    return [encoding.toUint8Array(encoder)];
  }
}

// "5" (binary event) or "6" (binary ack), then the attachment count and "-".
const BINARY_HEADER = /^[56](\d+)-/;

export class Decoder extends StandardDecoder {
  override add(chunk: unknown): void {
    if (typeof chunk === "string") {
      super.add(chunk);
      return;
    }
    if (!(chunk instanceof ArrayBuffer || ArrayBuffer.isView(chunk)))
      throw new Error("Unknown packet data");
    const decoder = decoding.createDecoder(
      chunk instanceof ArrayBuffer
        ? new Uint8Array(chunk)
        : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength),
    );
    const header = decoding.readVarString(decoder);
    const attachments: Uint8Array[] = [];
    while (decoding.hasContent(decoder)) attachments.push(decoding.readVarUint8Array(decoder));
    // A frame holds one whole packet: checked first, so a short one cannot swallow the next.
    if (Number(BINARY_HEADER.exec(header)?.[1]) !== attachments.length)
      throw new Error("Malformed binary packet");
    super.add(header);
    for (const attachment of attachments) super.add(attachment);
  }
}

/**
 * The largest packet the server reads (its `maxHttpBufferSize`; with this parser one packet is
 * one frame): large enough for a pasted page of a document, each feature checks its own limits
 * within it. A larger one makes the server close the connection without an error.
 */
export const MAX_PACKET_BYTES = 1_048_576;

/** The `parser` option of socket.io's Server and of socket.io-client's io(). */
export const socketParser = { Encoder, Decoder };
