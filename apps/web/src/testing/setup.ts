// happy-dom lays nothing out, so every element measures 0×0 and the virtualized lists would
// render no rows. Give elements a screen-sized box (the lists then render what fits in it).
for (const [prop, value] of [['clientHeight', 600], ['clientWidth', 1000], ['offsetHeight', 600], ['offsetWidth', 1000]] as const) {
  Object.defineProperty(HTMLElement.prototype, prop, { configurable: true, get: () => value });
}
