// Placeholder entry: replaced by the wsq kernel.
export function kernelVersion(): i32 { return 0; }
