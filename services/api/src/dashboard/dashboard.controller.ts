import { Controller, Get, Param, Redirect, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { fileURLToPath } from 'node:url';

const PUBLIC = fileURLToPath(new URL('../../public/', import.meta.url));
// A Map, so a name such as `constructor` or `__proto__` finds nothing inherited.
const ASSETS = new Map([
  ['app.js', 'app.js'],
  ['style.css', 'style.css'],
]);

/**
 * The dashboard page and its two assets. The page holds no data: it asks for the tenant's API
 * key and reads the same authenticated endpoints as any client.
 */
@ApiExcludeController()
@Controller()
export class DashboardController {
  @Get()
  @Redirect('/dashboard', 302)
  root(): void {}

  @Get('dashboard')
  page(@Res() res: Response): void {
    res.sendFile('index.html', { root: PUBLIC });
  }

  @Get('dashboard/:asset')
  asset(@Param('asset') asset: string, @Res() res: Response): void {
    const file = ASSETS.get(asset);
    if (!file) {
      res.status(404).json({ statusCode: 404, message: `no asset ${asset}` });
      return;
    }
    res.sendFile(file, { root: PUBLIC });
  }
}
