import { CreateUsers1795300000000 } from '../../migrations/1795300000000-CreateUsers.js';
import { CreateSessions1795300100000 } from '../../migrations/1795300100000-CreateSessions.js';
import { CreateProjects1795300200000 } from '../../migrations/1795300200000-CreateProjects.js';
import { CreateLoginAttempts1795333400000 } from '../../migrations/1795333400000-CreateLoginAttempts.js';
import { CreateAuditEvents1795334762843 } from '../../migrations/1795334762843-CreateAuditEvents.js';
import { AddSecurityStamps1796000000000 } from '../../migrations/1796000000000-AddSecurityStamps.js';
import { CountLoginAttemptsPerAddress1796000200000 } from '../../migrations/1796000200000-CountLoginAttemptsPerAddress.js';
import { NormalizeUserEmails1796000200100 } from '../../migrations/1796000200100-NormalizeUserEmails.js';
import { CreateAccessTokenLifetimes1796000300000 } from '../../migrations/1796000300000-CreateAccessTokenLifetimes.js';
import { AddRefreshTokenSuccessor1796000400000 } from '../../migrations/1796000400000-AddRefreshTokenSuccessor.js';
import { AddUserEmailVerifiedAt1796050000000 } from '../../migrations/1796050000000-AddUserEmailVerifiedAt.js';
import { CreateMailOutbox1796100000000 } from '../../migrations/1796100000000-CreateMailOutbox.js';
import { CreateEmailTokens1796100010000 } from '../../migrations/1796100010000-CreateEmailTokens.js';
import { CreateIdentities1796120000000 } from '../../migrations/1796120000000-CreateIdentities.js';
import { CreateApiKeysAndClients1796140000000 } from '../../migrations/1796140000000-CreateApiKeysAndClients.js';
import { AddSecondFactors1796150000000 } from '../../migrations/1796150000000-AddSecondFactors.js';
import { CreateWebauthnCredentials1796160000000 } from '../../migrations/1796160000000-CreateWebauthnCredentials.js';

/**
 * Every migration, in order. Listed by hand rather than globbed so the same list works from
 * compiled code and under jest; add each new file from `migrations/` here.
 */
export const MIGRATIONS = [
  CreateUsers1795300000000,
  CreateSessions1795300100000,
  CreateProjects1795300200000,
  CreateLoginAttempts1795333400000,
  CreateAuditEvents1795334762843,
  AddSecurityStamps1796000000000,
  CountLoginAttemptsPerAddress1796000200000,
  NormalizeUserEmails1796000200100,
  CreateAccessTokenLifetimes1796000300000,
  AddRefreshTokenSuccessor1796000400000,
  AddUserEmailVerifiedAt1796050000000,
  CreateMailOutbox1796100000000,
  CreateEmailTokens1796100010000,
  CreateIdentities1796120000000,
  CreateApiKeysAndClients1796140000000,
  AddSecondFactors1796150000000,
  CreateWebauthnCredentials1796160000000,
];
