/**
 * Writes a stream of bytes of unknown length to one R2 object without holding
 * it whole: a small object is one `put`, a large one a multipart upload of
 * equal 8 MiB parts (R2 wants every part but the last the same size, at
 * least 5 MiB). A Worker has 128 MB; a 500-directory pack of full-page
 * screenshots can be larger than that.
 */
export const PART_BYTES = 8 * 1024 * 1024;

export class R2Sink {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private upload: R2MultipartUpload | null = null;
  private parts: R2UploadedPart[] = [];
  /** Bytes written so far. */
  size = 0;

  constructor(
    private readonly bucket: R2Bucket,
    private readonly key: string,
    private readonly options: R2PutOptions & R2MultipartOptions,
  ) {}

  async write(chunk: Uint8Array): Promise<void> {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.size += chunk.length;
    while (this.buffered >= PART_BYTES) await this.flushPart(PART_BYTES);
  }

  /** The first `bytes` buffered bytes as one part. */
  private async flushPart(bytes: number): Promise<void> {
    const part = this.take(bytes);
    this.upload ??= await this.bucket.createMultipartUpload(this.key, this.options);
    this.parts.push(await this.upload.uploadPart(this.parts.length + 1, part));
  }

  private take(bytes: number): Uint8Array {
    const out = new Uint8Array(bytes);
    let at = 0;
    while (at < bytes) {
      const head = this.chunks[0]!;
      const n = Math.min(head.length, bytes - at);
      out.set(head.subarray(0, n), at);
      at += n;
      if (n === head.length) this.chunks.shift();
      else this.chunks[0] = head.subarray(n);
    }
    this.buffered -= bytes;
    return out;
  }

  async close(): Promise<void> {
    if (!this.upload) {
      await this.bucket.put(this.key, this.take(this.buffered), this.options);
      return;
    }
    if (this.buffered > 0) await this.flushPart(this.buffered);
    await this.upload.complete(this.parts);
  }

  /** Gives up a multipart upload under way (the object it would have replaced stays as it was). */
  async abort(): Promise<void> {
    await this.upload?.abort().catch(() => undefined);
  }
}
