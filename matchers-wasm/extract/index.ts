// Placeholder entry: replaced by the extract kernel.
export function kernelVersion(): i32 { return 0; }
