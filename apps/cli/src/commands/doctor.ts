import os from 'node:os';
import { initBackend } from '@workbench/tensor';
import { resolveTrackingUri } from '@workbench/tracking';
import type { CliCommand } from '../command.ts';
import { workbenchVersion } from '../version.ts';

export const doctorCommand: CliCommand = {
  register(program, io) {
    program
      .command('doctor')
      .description('show the backend the workbench would use and why, versions, cores, memory and the tracking URI')
      .option('--json', 'print JSON')
      .option('--tracking-uri <uri>', 'tracking URI (default: MLFLOW_TRACKING_URI or sqlite:///mlflow.db)')
      .action(async (opts: { json?: boolean; trackingUri?: string }) => {
        const backend = await initBackend({ env: io.env });
        const tracking = resolveTrackingUri(opts.trackingUri, io.env);
        const cpus = os.cpus();
        const report = {
          backend: {
            name: backend.name,
            package: backend.package,
            forced: backend.forced,
            reason: backend.reason,
            gpu: backend.gpu,
            simd: backend.simd ?? null,
            threads: backend.threads ?? null,
            kernelFixes: backend.kernelFixes,
            attempts: backend.attempts,
          },
          versions: { workbench: workbenchVersion(), node: process.versions.node, tfjs: backend.versions['tfjs-core'] ?? 'unknown' },
          machine: {
            platform: `${os.platform()} ${os.arch()}`,
            cores: cpus.length,
            cpuModel: cpus[0]?.model ?? 'unknown',
            memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
          },
          tracking,
        };
        if (opts.json) {
          io.out(JSON.stringify(report, null, 2));
          return;
        }
        const b = report.backend;
        const lines = [
          `backend:     ${b.name} (${b.package})${b.name === 'wasm' ? ` SIMD ${b.simd ? 'yes' : 'no'}, threads ${b.threads ? 'yes' : 'no'}` : ''}`,
          `  why:       ${b.reason}`,
          ...b.attempts.filter((a) => !a.ok).map((a) => `  skipped:   ${a.package}: ${a.reason}`),
          `  fixes:     ${b.kernelFixes.length ? b.kernelFixes.join('; ') : 'none'}`,
          `versions:    workbench ${report.versions.workbench}, node ${report.versions.node}, tfjs ${report.versions.tfjs}`,
          `machine:     ${report.machine.cores} cores (${report.machine.cpuModel}), ${report.machine.memoryGiB} GiB, ${report.machine.platform}`,
          `tracking:    ${tracking.uri} (${tracking.source})`,
        ];
        if (b.name !== 'tensorflow') lines.push('hint:        a GPU needs @tensorflow/tfjs-node-gpu and its CUDA stack, installed on a machine with internet access');
        io.out(lines.join('\n'));
      });
  },
};
