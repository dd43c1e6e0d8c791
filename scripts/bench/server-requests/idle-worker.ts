// A TypeScript Worker entry that does nothing but stay alive, loaded through tsx like
// @ferry/libvirt's Workers (profile.ts's memory ladder: the cost of a Worker with tsx).
const forever: number = 1 << 30;
setInterval(() => {}, forever);
