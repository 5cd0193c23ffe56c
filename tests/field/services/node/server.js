'use strict';
const { createServer } = require('./app');

const host = process.env.HOST || '0.0.0.0';
const port = Number(process.env.PORT || 8080);
createServer(Number(process.env.FAIL_PERCENT || 0)).listen(port, host, () => {
  console.log(`payments listening on ${host}:${port}`);
});
