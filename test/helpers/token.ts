// A well-formed fake tunnel token: base64 of {"a","t","s"} with no real account or secret in it.
export const FAKE_TOKEN = Buffer.from(JSON.stringify({ a: '0123456789abcdef0123456789abcdef', t: '6ff42ae2-765d-4adf-8112-31c55c1551ef', s: Buffer.from('not-a-real-secret-0123456789abcd').toString('base64') })).toString('base64');
