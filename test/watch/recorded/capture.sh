#!/bin/sh
# Captures what the real cloudflared prints and serves while requests go through it, for the watch tests:
# its log (at --loglevel debug: the request lines, the origin's answers, `Unable to reach the origin
# service`, `No ingress rules were defined`), /ready and /metrics. Run as root on a machine with the real
# binary (../shared/tools/cloudflared/cloudflared), node, openssl, busybox and unshare:
#   sh test/watch/recorded/capture.sh
# Everything runs in a network namespace with nothing but loopback (unshare -n): cloudflared dials the
# test's fake edge on 127.0.0.1:7844 / 127.0.0.2:7844 (test/helpers/fake-edge.mjs) and nothing else.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
cf=${CLOUDFLARED:-$repo/../shared/tools/cloudflared/cloudflared}
[ -x "$cf" ] || cf=/work/shared/tools/cloudflared/cloudflared
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=fake-edge-ca \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=keyCertSign 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout edge.key -out edge.csr -subj /CN=h2.cftunnel.com 2>/dev/null
printf 'subjectAltName=DNS:h2.cftunnel.com\n' > ext
openssl x509 -req -in edge.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out edge.pem -days 2 -extfile ext 2>/dev/null
token=$(node -e 'const c=require("crypto");process.stdout.write(Buffer.from(JSON.stringify({a:c.randomBytes(16).toString("hex"),t:c.randomUUID(),s:c.randomBytes(32).toString("base64")})).toString("base64"))')
mkdir www && echo ok > www/index.html

cat > inside.sh <<INSIDE
set -u
ip link set lo up
mkfifo edge.in
node "$repo/test/helpers/fake-edge.mjs" --cert edge.pem --key edge.key --listen 127.0.0.1:7844 --listen 127.0.0.2:7844 < edge.in > edge.out 2>&1 &
exec 3>edge.in
sleep 1
busybox httpd -f -p 127.0.0.1:8080 -h www & web=\$!
"$cf" tunnel --no-autoupdate --edge 127.0.0.1:7844 --edge 127.0.0.2:7844 --protocol http2 --cacert ca.pem \
  --metrics 127.0.0.1:20241 --loglevel debug run --token "$token" --url http://localhost:8080 > with-url.log 2>&1 & cfpid=\$!
sleep 4
echo '{"id":1,"host":"wiki.abcd1234.tunnel.anthropic.com","path":"/index.html"}' >&3; sleep 1
echo '{"id":2,"host":"docs.abcd1234.tunnel.anthropic.com","path":"/mcp"}' >&3; sleep 1
kill \$web; wait \$web 2>/dev/null
echo '{"id":3,"host":"wiki.abcd1234.tunnel.anthropic.com","path":"/mcp"}' >&3; sleep 1
node -e 'const http=require("http");const fs=require("fs");for(const [p,f] of [["/metrics","metrics.txt"],["/ready","ready.json"]])http.get({host:"127.0.0.1",port:20241,path:p},(r)=>{let b="";r.on("data",(c)=>b+=c);r.on("end",()=>{fs.writeFileSync(f,b);if(p==="/ready")fs.writeFileSync("ready.status",String(r.statusCode)+"\\n")})})'
kill \$cfpid; wait \$cfpid 2>/dev/null
"$cf" tunnel --no-autoupdate --edge 127.0.0.1:7844 --edge 127.0.0.2:7844 --protocol http2 --cacert ca.pem \
  --metrics 127.0.0.1:20242 run --token "$token" > no-url.log 2>&1 & cfpid=\$!
sleep 4
echo '{"id":4,"host":"wiki.abcd1234.tunnel.anthropic.com","path":"/mcp"}' >&3; sleep 1
kill \$cfpid; wait \$cfpid 2>/dev/null
exec 3>&-
INSIDE
unshare -n sh inside.sh
# The token never leaves this script: cloudflared prints it as *****, and it is checked here anyway.
for f in with-url.log no-url.log; do
  if grep -q "$token" "$f"; then echo "the token appears in $f" >&2; exit 1; fi
done
cp with-url.log "$here/cloudflared-with-url.log"
cp no-url.log "$here/cloudflared-no-url.log"
cp metrics.txt "$here/cloudflared-metrics.txt"
cp ready.json "$here/cloudflared-ready.json"
cp ready.status "$here/cloudflared-ready.status"
cp edge.out "$here/fake-edge.out"
echo "captured into $here"
