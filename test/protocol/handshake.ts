/** The handshake answer line of attnflow serve, byte for byte as the issue pins it. */
export const HANDSHAKE_LINE =
  '{"ready":true,"protocol":1,"implementation":{"name":"attnflow","version":"0.1.0","language":"typescript"},"supports":{"ops":["velocity","flow","layer","energy"],"models":["sa","usa"]}}';
