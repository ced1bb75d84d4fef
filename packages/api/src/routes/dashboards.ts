import {
  consentFigures,
  forecastRetention,
  MAX_FORECAST_MONTHS,
  requestDeadlineFigures,
} from '@lupaus/engine';
import { z } from 'zod';
import type { ApiContext, ZodApp } from '../app';
import { errorResponses } from '../schemas';

/**
 * The figures of the staff's dashboards (R7.1): counts only, never a person's data, each under the permission
 * that reads what it counts.
 */
const Count = z.number().int();

const RequestFiguresOut = z.object({
  today: z.string().describe('The Helsinki calendar day the figures are counted on.'),
  overdue: Count.describe('Open requests past their deadline in force.'),
  thisWeek: Count.describe('Open requests due today or within 7 days.'),
  later: Count.describe('Open requests due after that.'),
  extended: Count.describe('Open requests whose deadline was extended (art. 12(3)).'),
  byType: z.record(z.string(), Count).describe('Open requests by type.'),
});

const ConsentFiguresOut = z.object({
  items: z.array(
    z.object({
      channel: z.string().describe("The definition's marketing channel id."),
      given: Count,
      withdrawn: Count,
      prohibited: Count,
    }),
  ),
});

const ForecastQuery = z.strictObject({
  months: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_FORECAST_MONTHS)
    .optional()
    .describe(`How many months ahead, this one first (1–${MAX_FORECAST_MONTHS}, default 6).`),
});

const ForecastOut = z.object({
  asOf: z.string(),
  months: z.array(
    z.object({
      month: z.string().describe('YYYY-MM'),
      due: Count.describe('Items that fall due in the month (the first month: also those due already).'),
      blocked: Count.describe('Items due by the month’s end but held back by a blocker.'),
    }),
  ),
});

export async function dashboardRoutes(api: ZodApp, ctx: ApiContext): Promise<void> {
  api.get(
    '/dashboards/requests',
    {
      config: { permission: 'requests.manage' },
      schema: {
        tags: ['dashboards'],
        summary: 'Open data subject’s requests by deadline: overdue, this week, later (counts)',
        response: { 200: RequestFiguresOut, ...errorResponses },
      },
    },
    async (request) => requestDeadlineFigures(ctx.register(), ctx.actor(request)),
  );

  api.get(
    '/dashboards/consents',
    {
      config: { permission: 'consents.read' },
      schema: {
        tags: ['dashboards'],
        summary: 'Latest consent choices per marketing channel: given, withdrawn, prohibited (counts)',
        response: { 200: ConsentFiguresOut, ...errorResponses },
      },
    },
    async (request) => ({ items: await consentFigures(ctx.register(), ctx.actor(request)) }),
  );

  api.get(
    '/dashboards/retention',
    {
      config: { permission: 'retention.manage' },
      schema: {
        tags: ['dashboards'],
        summary: 'What the retention sweep would remove in each coming month (the dry run, counts)',
        querystring: ForecastQuery,
        response: { 200: ForecastOut, ...errorResponses },
      },
    },
    async (request) =>
      forecastRetention(ctx.register(), ctx.actor(request), {
        ...(request.query.months !== undefined ? { months: request.query.months } : {}),
      }),
  );
}
