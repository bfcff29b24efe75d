/** Placeholder: fast gradient kernels for the wasm backend are registered here (see issue 2). */
export function registerWasmGradientKernels(): void {}
