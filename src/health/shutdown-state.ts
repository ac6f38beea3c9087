import { Injectable } from '@nestjs/common';

/**
 * Whether this instance has been told to stop. Once it has, readiness answers 503 so nothing new
 * is routed here, and every response closes its connection behind it.
 */
@Injectable()
export class ShutdownState {
  private stopping = false;

  get draining(): boolean {
    return this.stopping;
  }

  begin(): void {
    this.stopping = true;
  }
}
