#!/usr/bin/env node
// The orchestrator's entry point: runs the compiled app from dist/ with the @cj/* aliases mapped.
'use strict';
require('../../../tools/runtime/register.cjs');
require('../../../dist/apps/orchestrator/src/main.js');
