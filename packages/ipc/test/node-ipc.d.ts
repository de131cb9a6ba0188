// node-ipc ships no type declarations; the interop tests describe the parts they use.
declare module "node-ipc";
