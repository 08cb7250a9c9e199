// Ink imports react-devtools-core only when DEV is set; the bundle needs something to resolve to.
export default { initialize() {}, connectToDevTools() {} };
