// The real-Docker end-to-end tests' harness: whether a daemon answers (docker-env.ts), the stand-in images
// (images.ts), Compose projects in temp folders driven with the built bin (project.ts). Containers publish no
// ports; nothing leaves the host.
export * from './docker-env.js';
export * from './images.js';
export * from './project.js';
