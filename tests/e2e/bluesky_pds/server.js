// An in-memory PLC directory and the reference PDS in one process, on loopback only, for the e2e
// tests. Started by ../bluesky_pds.sh serve, which sets NODE_PATH to the installed node_modules
// and PDS_DATA_DIRECTORY; prints {"ready": true, ...} once both servers listen.
'use strict'

const crypto = require('node:crypto')
const net = require('node:net')

const LOOPBACK = '127.0.0.1'

// PlcServer.start() and PDS.start() call listen(port) with no host, which binds every interface.
// Give such calls the loopback host before either server is created.
const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && typeof args[1] !== 'string') {
    args.splice(1, 0, LOOPBACK)
  }
  return listen.apply(this, args)
}

const plc = require('@did-plc/server')
const pds = require('@atproto/pds')

const env = process.env
const plcPort = Number(env.PLC_PORT || 2582)
const data = env.PDS_DATA_DIRECTORY

Object.assign(env, {
  PDS_PORT: env.PDS_PORT || '2583',
  PDS_HOSTNAME: 'localhost', // handles end in .test
  PDS_BLOBSTORE_DISK_LOCATION: `${data}/blobs`,
  PDS_DID_PLC_URL: `http://${LOOPBACK}:${plcPort}`,
  PDS_ADMIN_PASSWORD: env.PDS_ADMIN_PASSWORD || 'admin-pass',
  PDS_JWT_SECRET: crypto.randomBytes(16).toString('hex'),
  PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX: crypto.randomBytes(32).toString('hex'),
  PDS_DEV_MODE: 'true', // plain http, and fetches from loopback allowed
  PDS_INVITE_REQUIRED: 'false',
  PDS_VERSION: require('@atproto/pds/package.json').version, // _health reports it
  LOG_ENABLED: env.LOG_ENABLED || 'false',
})

async function main () {
  const directory = plc.PlcServer.create({ db: plc.Database.mock(), port: plcPort })
  await directory.start()
  const config = pds.readEnv()
  const server = await pds.PDS.create(pds.envToCfg(config), pds.envToSecrets(config))
  await server.start()
  for (const http of [directory.server, server.server]) {
    if (http.address().address !== LOOPBACK) {
      throw new Error(`listening on ${http.address().address}, not ${LOOPBACK}`)
    }
  }
  console.log(JSON.stringify({
    ready: true,
    pds: `http://${LOOPBACK}:${env.PDS_PORT}`,
    plc: env.PDS_DID_PLC_URL,
    version: env.PDS_VERSION,
  }))
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
