import { DomainError } from '@statemesh/common';
import { Prisma, type Vm } from '@statemesh/database';
import type { VmHealthCheckSpec } from '@statemesh/agent-protocol';
import { VmsErrors } from '../vms/vms.errors';
import type { HealthCheckDto, RestartScheduleDto, RestartScheduleResponseDto } from './dto/healing.dto';
import { nextScheduledRun, restartScheduleProblems, type RestartSchedule } from './restart-schedule';

/** The stored health check with its defaults filled in. */
export function healthCheckOf(input: HealthCheckDto): VmHealthCheckSpec {
  return {
    type: input.type,
    port: input.port,
    ...(input.type === 'http' ? { path: input.path ?? '/' } : {}),
    intervalSeconds: input.intervalSeconds ?? 10,
    unhealthyThreshold: input.unhealthyThreshold ?? 3,
  };
}

/** 422 naming the field when the schedule cannot be used. */
export function assertRestartSchedule(schedule: RestartScheduleDto): RestartSchedule {
  const problems = restartScheduleProblems(schedule);
  if (problems.length > 0) {
    throw new DomainError(
      VmsErrors['vm.invalid_spec'],
      'The restart schedule is not usable.',
      {},
      problems.map((problem) => ({ field: `restartSchedule.${problem.field}`, code: problem.code, message: problem.message })),
    );
  }
  return { cron: schedule.cron, timeZone: schedule.timeZone };
}

/**
 * The VM columns of a health check and a restart schedule, for a create.
 * A VM with a health check starts unhealthy: it is not routed before its
 * first passing check.
 */
export function healingColumnsForCreate(
  input: { healthCheck?: HealthCheckDto; restartSchedule?: RestartScheduleDto },
  now: Date = new Date(),
): { healthCheck: VmHealthCheckSpec | null; healthy: boolean; restartSchedule: RestartSchedule | null; nextScheduledRestartAt: Date | null } {
  const schedule = input.restartSchedule ? assertRestartSchedule(input.restartSchedule) : null;
  return {
    healthCheck: input.healthCheck ? healthCheckOf(input.healthCheck) : null,
    healthy: !input.healthCheck,
    restartSchedule: schedule,
    nextScheduledRestartAt: schedule ? nextScheduledRun(schedule, now) : null,
  };
}

/** For a PATCH: `restartSchedule: null` removes the schedule. */
export function healingColumnsForUpdate(input: { restartSchedule?: RestartScheduleDto | null }, now: Date = new Date()): Prisma.VmUncheckedUpdateManyInput {
  if (input.restartSchedule === undefined) return {};
  if (input.restartSchedule === null) return { restartSchedule: Prisma.DbNull, nextScheduledRestartAt: null };
  const schedule = assertRestartSchedule(input.restartSchedule);
  return { restartSchedule: schedule as unknown as Prisma.InputJsonObject, nextScheduledRestartAt: nextScheduledRun(schedule, now) };
}

export function restartScheduleResponse(vm: Pick<Vm, 'restartSchedule' | 'nextScheduledRestartAt'>): RestartScheduleResponseDto | null {
  const schedule = vm.restartSchedule as RestartSchedule | null;
  if (!schedule) return null;
  return { cron: schedule.cron, timeZone: schedule.timeZone, nextRunAt: vm.nextScheduledRestartAt?.toISOString() ?? null };
}

/** The response fields of a VM's health check and restart schedule. */
export function healingFieldsOf(vm: Pick<Vm, 'healthCheck' | 'healthy' | 'restartSchedule' | 'nextScheduledRestartAt'>): { healthCheck: HealthCheckDto | null; healthy: boolean; restartSchedule: RestartScheduleResponseDto | null } {
  return { healthCheck: (vm.healthCheck as HealthCheckDto | null) ?? null, healthy: vm.healthy, restartSchedule: restartScheduleResponse(vm) };
}
