import { Router, type Request } from 'express';
import { body } from 'express-validator';
import { signSessionToken, validateRequest, type UserPayload } from '@ticketing/common';
import { signUp } from '../domain/sign-up';
import { signIn, type SignInDeps } from '../domain/sign-in';

export interface UsersRoutesDeps extends SignInDeps {
  jwtPrivateKey: string;
  sessionTtlSeconds: number;
}

const email = () =>
  body('email')
    .isString()
    .withMessage('Email must be a valid email address')
    .bail()
    .trim()
    .isEmail()
    .withMessage('Email must be a valid email address')
    .isLength({ max: 254 })
    .withMessage('Email must be at most 254 characters');

/** Session cookie = cookie-session holding the JWT; it lives as long as the token does. */
function startSession(req: Request, user: UserPayload, deps: UsersRoutesDeps): void {
  req.session = { jwt: signSessionToken(user, deps.jwtPrivateKey, deps.sessionTtlSeconds) };
  req.sessionOptions.maxAge = deps.sessionTtlSeconds * 1000;
}

/** The user as the API shows it (docs/api.md, "auth"): the same from sign-up, sign-in and the session. */
function publicUser(user: UserPayload): { id: string; email: string; roles: string[] } {
  return { id: user.id, email: user.email, roles: user.roles };
}

export function usersRouter(deps: UsersRoutesDeps): Router {
  const router = Router();

  router.post(
    '/api/users/signup',
    email(),
    body('password')
      .isString()
      .withMessage('Password must be a string of 8 to 128 characters')
      .bail()
      .isLength({ min: 8, max: 128 })
      .withMessage('Password must be between 8 and 128 characters'),
    validateRequest,
    async (req, res) => {
      const user = await signUp(deps, { email: req.body.email, password: req.body.password });
      startSession(req, user, deps);
      res.status(201).json(publicUser(user));
    },
  );

  router.post(
    '/api/users/signin',
    email(),
    body('password')
      .isString()
      .withMessage('Password must be supplied')
      .bail()
      .isLength({ min: 1, max: 1024 })
      .withMessage('Password must be supplied'),
    validateRequest,
    async (req, res) => {
      const user = await signIn(deps, { email: req.body.email, password: req.body.password, ip: req.ip ?? 'unknown' });
      startSession(req, user, deps);
      res.status(200).json(publicUser(user));
    },
  );

  router.post('/api/users/signout', (req, res) => {
    req.session = null;
    res.status(200).json({});
  });

  router.get('/api/users/currentuser', (req, res) => {
    const user = req.currentUser;
    res.status(200).json({ currentUser: user ? publicUser(user) : null });
  });

  return router;
}
