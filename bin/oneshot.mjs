#!/usr/bin/env node
// `npx oneshot <command>`: the command-line client (src/cli), run through tsx's API so the
// TypeScript needs no build step. `npx oneshot --help` lists the commands.
import { tsImport } from 'tsx/esm/api'

const { main } = await tsImport('../src/cli/main.ts', import.meta.url)
process.exitCode = await main(process.argv.slice(2))
