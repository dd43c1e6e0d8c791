// A Worker that does nothing but stay alive (profile.ts's memory ladder: the cost of a bare Worker).
setInterval(() => {}, 1 << 30);
