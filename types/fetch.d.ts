// Node's global fetch, typed by @types/node, lacks the DOM's `BodyInit` name
// that the generated SDK's fetch client refers to.
type BodyInit = import('undici-types').BodyInit;
