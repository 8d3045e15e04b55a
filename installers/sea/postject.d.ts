// postject ships no types; this is the part of its JS API (dist/api.js) that the build uses.
declare module 'postject' {
  export interface InjectOptions {
    machoSegmentName?: string;
    overwrite?: boolean;
    sentinelFuse?: string;
  }
  export function inject(filename: string, resourceName: string, resourceData: Buffer, options?: InjectOptions): Promise<void>;
}
